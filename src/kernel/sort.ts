// Placeholder until the sort kernel binding lands.
export {};
