// Public API of the attack workload (Node and browsers). Node-only helpers (the `mnist` package's
// files, the shipped weights' path, trainMnist) are in ./node.ts; PNG files in ../image/png_node.ts.
export { MNIST_CLASSES, MNIST_PIXELS, MNIST_SIZE, splitMnist, takeDigits, type MnistSet, type MnistSplit, type SplitOptions } from './mnist_data.js';
export { ARTICLE_MODEL, MNIST_MODEL, articleModel, convClassifier, mnistModel, type ConvClassifierOptions } from './models.js';
export { applyLogits, type LogitsOptions } from './logits.js';
export { evaluateClassifier, type Evaluation, type LabelledImages } from './evaluate.js';
export { trainClassifier, type TrainOptions, type TrainProgress, type TrainResult } from './train.js';
export { loadMnistClassifier, MNIST_WEIGHTS_FILE } from './classifier.js';
export { attackObjective, attackStep, inputGradient, type AttackObjective, type AttackStepOptions } from './attack_step.js';
export { attackBatch, predictProbabilities, type BatchAttackOptions, type BatchAttackResult } from './attack_batch.js';
export { runAttack, type AttackedImage, type AttackOptions, type AttackResult } from './attack.js';
export { attackImages, namedAttackImages, type AttackImageSet, type AttackImagesOptions } from './attack_images.js';
export { ARTICLE_CLASSES, articleInput, runArticleAttack, type ArticleAttackOptions, type ArticleAttackResult, type ArticleClass } from './article.js';
