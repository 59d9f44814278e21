// Svelte components, for TypeScript outside them (svelte-check types their insides).
declare module "*.svelte" {
  import type { Component } from "svelte";
  const component: Component;
  export default component;
}
