import { BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Sequential } from '../../src/index.js';

/**
 * The article's classifier: three blocks of [Conv2D(f, 3x3, relu, valid) -> BatchNormalization ->
 * MaxPooling2D(2x2) -> Dropout(0.25)], then Flatten -> Dense(units, relu) -> BatchNormalization ->
 * Dropout(0.5) -> Dense(2, softmax). Smaller filters, units and inputs give a scaled-down twin.
 */
export function articleModel(options: { inputShape?: number[]; filters?: number[]; units?: number; seed?: number } = {}): Sequential {
  const { inputShape = [128, 128, 3], filters = [32, 64, 128], units = 512, seed = 7 } = options;
  const model = new Sequential([], { seed });
  filters.forEach((f, i) => {
    model.add(new Conv2D({ filters: f, kernelSize: 3, activation: 'relu', ...(i === 0 ? { inputShape } : {}) }));
    model.add(new BatchNormalization());
    model.add(new MaxPooling2D({ poolSize: 2 }));
    model.add(new Dropout({ rate: 0.25 }));
  });
  model.add(new Flatten());
  model.add(new Dense({ units, activation: 'relu' }));
  model.add(new BatchNormalization());
  model.add(new Dropout({ rate: 0.5 }));
  model.add(new Dense({ units: 2, activation: 'softmax' }));
  return model;
}
