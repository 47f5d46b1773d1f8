// workerd provides node:async_hooks under nodejs_compat; the runtime's type set has no Node types,
// so the one class the gateway uses is declared here (same shape as @types/node's).
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R;
    getStore(): T | undefined;
  }
}
