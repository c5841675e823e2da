/** Bundles `entry` (and all it imports, packages included) into `outfile`, an ES module for node. */
export declare const bundleProgram: (entry: string, outfile: string) => Promise<void>
