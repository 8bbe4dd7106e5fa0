// Observable Plot rendered on the server: a linkedom document stands in for the browser's,
// and the finished SVG (or figure, when a legend is drawn) is serialised into the page.

import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export type PlotOptions = Plot.PlotOptions;
export { Plot };

export const PLOT_WIDTH = 640;
export const PLOT_HEIGHT = 300;

/** Renders a plot to markup. Continuous colour legends need a canvas, so use threshold or ordinal scales. */
export function renderPlot(options: PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  const node = Plot.plot({
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    marginLeft: 52,
    style: { background: 'transparent', fontSize: '11px', overflow: 'visible' },
    ...options,
    document: document as unknown as NonNullable<PlotOptions['document']>,
  });
  return (node as unknown as { outerHTML: string }).outerHTML;
}
