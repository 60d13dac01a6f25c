export interface RenderToolsOptions {
  readonly tools?: readonly string[];
  readonly force?: boolean;
  readonly cacheDir?: string;
}
export function installRenderTools(options?: RenderToolsOptions): string | null;
export function useRenderTools(options?: RenderToolsOptions): string | null;
