// gradgradcheck in fast mode, as PyTorch's own OpInfo tests run it, over every OpInfo with supports_gradgrad
// (test/opinfo-gradgrad-suite.ts).
import { gradgradSuite } from './opinfo-gradgrad-suite.js';

gradgradSuite('fast');
