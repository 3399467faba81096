/**
 * Kernel parameters that change from one call of a captured step to the next (an optimizer's
 * step count and learning rate, a dropout seed drawn per call). A replay re-evaluates them instead
 * of reusing the values seen while tracing; eager execution just uses the first evaluation.
 */
const refreshKey = Symbol('refresh kernel params');

/** Evaluates `refresh()` now and marks the result so that step capture calls it again per replay. */
export function dynamicParams<P extends object>(refresh: () => P): P {
  const params = refresh();
  Object.defineProperty(params, refreshKey, { value: refresh, enumerable: false });
  return params;
}

/** The refresh function of params made by `dynamicParams`, if any. */
export function paramsRefresh<P extends object>(params: P): (() => P) | undefined {
  return (params as { [refreshKey]?: () => P })[refreshKey];
}
