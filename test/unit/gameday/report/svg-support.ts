/** Pulls charts and their drawing attributes out of report HTML, for assertions without a DOM. */

export interface ChartMarkup {
  id: string;
  markup: string;
}

export function chartsIn(html: string): ChartMarkup[] {
  return [...html.matchAll(/<svg\b[^>]*data-chart="([^"]*)"[^>]*>[\s\S]*?<\/svg>/g)].map((match) => ({
    id: match[1] ?? '',
    markup: match[0],
  }));
}

const coordinateAttributes = ['x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'width', 'height', 'dy'];

/** Every numeric attribute value and every number in path data, with where it came from. */
export function coordinates(svg: string): Array<{ where: string; value: string }> {
  const found: Array<{ where: string; value: string }> = [];
  for (const match of svg.matchAll(/\s([a-zA-Z][\w-]*)="([^"]*)"/g)) {
    const [, name = '', value = ''] = match;
    if (coordinateAttributes.includes(name)) found.push({ where: name, value: value.replace(/em$/, '') });
    if (name === 'viewBox') for (const part of value.split(/\s+/)) found.push({ where: name, value: part });
    if (name === 'd') {
      for (const part of value
        .split(/[MLZ]/)
        .flatMap((pair) => pair.trim().split(/\s+/))
        .filter(Boolean))
        found.push({ where: 'd', value: part });
    }
    if (name === 'transform')
      for (const part of value.match(/-?[\d.]+(?:e[-+]?\d+)?|NaN|Infinity/g) ?? [])
        found.push({ where: name, value: part });
  }
  return found;
}

/** Drawn data: elements with class "series". */
export function seriesElements(svg: string): string[] {
  return [...svg.matchAll(/<(path|rect|circle)\b[^>]*class="series"[^>]*>/g)].map((match) => match[0]);
}
