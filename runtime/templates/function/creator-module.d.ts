// The creator's module is aliased in at bundle time (core/build/bundle.ts).
declare module "402claw:creator";
