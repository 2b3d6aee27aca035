/** node-webvtt 1.9 ships no types: the part we use (app/modules/files/captions.server.ts). */
declare module "node-webvtt" {
  export interface Cue {
    identifier: string;
    start: number;
    end: number;
    text: string;
    styles: string;
  }
  export function parse(input: string, options?: { strict?: boolean; meta?: boolean }): { valid: boolean; cues: Cue[]; errors: unknown[] };
}
