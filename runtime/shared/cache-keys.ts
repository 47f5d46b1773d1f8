/** KV key of an API's cached catalog row; the deploy path purges it after every change. */
export function apiCacheKey(slug: string): string {
  return `api:${slug}`;
}
