// Neural-network op families (conv, pooling, normalisation, dropout, softmax): issue 3.
export {};
