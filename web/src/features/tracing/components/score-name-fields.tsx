// The name and data type fields shared by the score form and the score
// config form.
import type { ScoreDataType } from "../api/scores";

export function ScoreNameFields({
  name,
  dataType,
  onName,
  onDataType,
}: {
  name: string;
  dataType: ScoreDataType;
  onName: (name: string) => void;
  onDataType: (dataType: ScoreDataType) => void;
}) {
  return (
    <>
      <label>
        Name
        <input value={name} onChange={(e) => onName(e.target.value)} />
      </label>
      <label>
        Type
        <select value={dataType} onChange={(e) => onDataType(e.target.value as ScoreDataType)}>
          <option value="NUMERIC">Numeric</option>
          <option value="CATEGORICAL">Categorical</option>
          <option value="BOOLEAN">Boolean</option>
        </select>
      </label>
    </>
  );
}
