/**
 * Escaping for the report's two outputs. Scenario names, step names, error strings and set
 * elements come from users and from the systems under test, so no string from a report reaches
 * the HTML or the terminal as it is.
 */

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML (and inline SVG) content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEntities[character] ?? character);
}

/**
 * Text for a terminal: control characters (escape sequences could recolour or clear the screen,
 * carriage returns could overwrite a verdict) are shown as \xNN instead.
 */
export function escapeTerminal(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (character) => {
    return `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
