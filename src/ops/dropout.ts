// dropout ops: issue 3.
export {};
