// placeholder until the base class lands
export {};
