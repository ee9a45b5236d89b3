// gradgradcheck with forward-mode AD over the reverse-mode first derivatives (PyTorch's test_fn_fwgrad_bwgrad)
// over every OpInfo with supports_fwgrad_bwgrad (test/opinfo-gradgrad-suite.ts).
import { gradgradSuite } from './opinfo-gradgrad-suite.js';

gradgradSuite('fwdOverRev');
