/**
 * `inner` with some methods replaced; every other member is its own (bound
 * to it). Used to wrap a store's writes without repeating its interface, so
 * methods added to the store later pass through untouched.
 */
export function overriding<T extends object>(
  inner: T,
  overrides: Partial<T>,
): T {
  return new Proxy(inner, {
    get(target, property) {
      if (Object.prototype.hasOwnProperty.call(overrides, property)) {
        return overrides[property as keyof T];
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
