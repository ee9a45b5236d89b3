// This thread's forward-AD level (Python's forward_ad._current_level: -1 when none is open), in a file of
// its own so that Tensor's printing reads it without importing forward_ad (which imports Tensor). Per JS
// thread: each worker loads its own copy.
export const dualLevelState = { current: -1 };
