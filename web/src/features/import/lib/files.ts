// The file types the import endpoint takes as tasks, checked before upload
// so the user learns about a wrong file at once.
export const importExtensions = [".json", ".csv", ".tsv", ".txt"] as const;

export function isImportable(name: string): boolean {
  const lower = name.toLowerCase();
  return importExtensions.some((extension) => lower.endsWith(extension));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
