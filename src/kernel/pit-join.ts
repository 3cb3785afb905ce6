// Placeholder until the pit-join kernel binding lands.
export {};
