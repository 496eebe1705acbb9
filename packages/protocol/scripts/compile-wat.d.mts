export declare const containerEndModuleSource: string;
export declare function compileWat(text: string): Promise<Uint8Array>;
