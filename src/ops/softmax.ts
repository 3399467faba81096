// softmax ops: issue 3.
export {};
