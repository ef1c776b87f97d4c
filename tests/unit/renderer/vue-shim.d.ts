// The Node-side typecheck (tsconfig.node.json) sees .vue imports in these tests; vue-tsc checks the components themselves.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
