/**
 * One SSE event in Anthropic's framing: `event: <name>\ndata: <one-line JSON>\n\n`. `dataJson` must
 * already be single-line (JSON.stringify output is).
 */
export function encodeSseEvent(eventName: string, dataJson: string): string {
  return `event: ${eventName}\ndata: ${dataJson}\n\n`;
}
