/** The compiled CLI, relative to the project root (git- and biome-ignored). */
export const CLI_BUILD_DIR: string;

/** Whether the build in dist/cli can run, or why not. */
export function cliBuildState(root: string): { fresh: true } | { fresh: false; reason: string };
