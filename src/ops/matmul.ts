// Matrix products: filled in with the matmul kernel.
export {};
