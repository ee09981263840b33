/**
 * A value built on first use instead of at module initialisation: `lazily(build)` returns a
 * function that calls `build` once and then returns the same value. Function bundles import whole
 * schema modules, and building zod schemas costs cold-start time (tens of microseconds each), so
 * module-level schemas are declared with it and built only by the route that uses them (issue 17).
 * If `build` throws, the next call tries again.
 *
 * Declare module-level values as `/* @__PURE__ *\/ lazily(() => …)`: the annotation tells esbuild
 * the call has no side effects (true: it only makes a closure), so a bundle that never calls the
 * value drops it and everything only it references — e.g. the other routes' request contracts of a
 * family's schema module (about 7 KB less in a SCIM list function). esbuild honours the annotation
 * at call sites only, not on this declaration across modules.
 *
 * @example const userInput = lazily(() => scimUserSchema('input')); userInput().parse(body);
 */
export function lazily<T>(build: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}
