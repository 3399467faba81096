// normalization ops: issue 3.
export {};
