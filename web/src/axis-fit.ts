import type uPlot from 'uplot';

let measureCtx: CanvasRenderingContext2D | null = null;
/** Width in CSS px of `text` in uPlot's axis font (12px system-ui, uPlot's default). */
function textWidth(text: string): number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * 8;
  measureCtx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
  return measureCtx.measureText(text).width;
}

/**
 * A y axis as wide as its widest tick label plus the tick, the gap and 4 px
 * of air (a fixed 60 px cut the rows chart's "140,000" to "ı40,000"); never
 * narrower than `min` px. `measure` gives a label's width in CSS px.
 */
export function fitAxis(min = 40, measure: (text: string) => number = textWidth): uPlot.Axis.Size {
  return (u, values, i) => {
    const a = u.axes[i]!;
    const widest = Math.max(0, ...(values ?? []).map((v) => measure(String(v))));
    const tick = a.ticks?.show === false ? 0 : (a.ticks?.size ?? 10);
    return Math.max(min, Math.ceil(widest + tick + (a.gap ?? 5) + 4));
  };
}
