/**
 * Kernel parameters that change from one call of a captured step to the next (an optimizer's
 * step count and learning rate, a dropout seed drawn per call). A replay re-evaluates them instead
 * of reusing the values seen while tracing; eager execution just uses the first evaluation.
 */
/** The refresh function of each params object made by `dynamicParams`. */
const refreshers = new WeakMap<object, () => object>();

/** Evaluates `refresh()` now and marks the result so that step capture calls it again per replay. */
export function dynamicParams<P extends object>(refresh: () => P): P {
  const params = refresh();
  refreshers.set(params, refresh);
  return params;
}

/**
 * The refresh function of params made by `dynamicParams`, if any. (A WeakMap, not a property of
 * the params: every op asks, and a property lookup on objects of every shape is the slow kind.)
 */
export function paramsRefresh<P extends object>(params: P): (() => P) | undefined {
  return refreshers.get(params) as (() => P) | undefined;
}
