// gradgradcheck in slow mode (every second derivative by finite differences) over every OpInfo with supports_gradgrad
// (test/opinfo-gradgrad-suite.ts).
import { gradgradSuite } from './opinfo-gradgrad-suite.js';

gradgradSuite('slow');
