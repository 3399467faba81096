/**
 * Keras-style automatic layer names: the class name in snake_case, then `_1`, `_2`... for later
 * layers of the same kind (`conv2d`, `conv2d_1`). Counters are per process, as Keras' are per
 * session; `resetLayerNames()` is Keras' `clear_session()` for names.
 */
const counters = new Map<string, number>();

/** Keras' `to_snake_case`: 'MaxPooling2D' -> 'max_pooling2d', 'BatchNormalization' -> 'batch_normalization'. */
export function toSnakeCase(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The next unused automatic name for `className`. */
export function uniqueLayerName(className: string): string {
  const base = toSnakeCase(className);
  const count = counters.get(base) ?? 0;
  counters.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

/** Restarts automatic naming (the next Conv2D is `conv2d` again). */
export function resetLayerNames(): void {
  counters.clear();
}
