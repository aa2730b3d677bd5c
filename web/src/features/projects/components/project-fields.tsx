// The name and description inputs, shared by the create dialog and settings.
// The limits match the server's: a title of 3 to 50 characters.
export function ProjectFields({
  title,
  description,
  onTitle,
  onDescription,
}: {
  title: string;
  description: string;
  onTitle: (value: string) => void;
  onDescription: (value: string) => void;
}) {
  return (
    <>
      <label>
        Project name
        <input required minLength={3} maxLength={50} value={title} onChange={(e) => onTitle(e.target.value)} />
      </label>
      <label>
        Description
        <textarea rows={2} value={description} onChange={(e) => onDescription(e.target.value)} />
      </label>
    </>
  );
}
