// Python's legacy sparse names: torch.dsmm and torch.spmm are torch.mm, torch.hsmm is torch.hspmm and
// torch.saddmm is torch.sspaddmm (the same bindings under old names in torch/csrc's manual function table).
export { mm as dsmm, mm as spmm, hspmm as hsmm, sspaddmm as saddmm } from '../generated/functions.js';
