// CIFAR10 with the MD5s of test/fixtures/datasets' stand-in batches (the real files' differ), in a module
// of its own so that a DataLoader worker thread can rebuild it (vision-workers.test.ts).
import { readFileSync } from 'node:fs';
import * as torch from '../../dist/index.js';

const exp = JSON.parse(readFileSync(new URL('../fixtures/datasets/expected.json', import.meta.url), 'utf8')).CIFAR10;

export class CIFAR10 extends torch.vision.datasets.CIFAR10 {
  /** @override */
  static sourceModule = import.meta.url;
  /** @override */
  static trainList = exp.train_list;
  /** @override */
  static testList = exp.test_list;
  /** @override */
  static meta = { ...torch.vision.datasets.CIFAR10.meta, md5: exp.meta_md5 };
}
