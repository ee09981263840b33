/**
 * A value built on first use instead of at module initialisation: `lazily(build)` returns a
 * function that calls `build` once and then returns the same value. Function bundles import whole
 * schema modules, and building zod schemas costs cold-start time (tens of microseconds each), so
 * module-level schemas are declared with it and built only by the route that uses them (issue 17).
 * If `build` throws, the next call tries again.
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
