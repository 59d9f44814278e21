// How the page words things for people: names rather than ids, messages without the code
// quotes the engine's errors carry for the command line.

/// An id for a source named `name`: lower-case letters, digits and dashes, unique among
/// `taken` (users name sources; ids are for files and scripts).
export function idFor(name: string, taken: string[]): string {
  const base = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "source";
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/// A message as the page shows it: `name` becomes “name”.
export function plain(message: string): string {
  return message.replace(/`([^`]*)`/g, "“$1”");
}
