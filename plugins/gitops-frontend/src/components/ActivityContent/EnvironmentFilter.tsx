import TextField from '@material-ui/core/TextField';

/** Every environment (`''`) or one of `environments`, in pipeline order. */
export const EnvironmentFilter = ({
  environments,
  value,
  onChange,
}: {
  environments: string[];
  value: string;
  onChange: (environment: string) => void;
}) => (
  <TextField
    select
    // A native select: keyboard- and screen-reader-friendly, and one element.
    SelectProps={{ native: true }}
    id="gitops-activity-environment"
    label="Environment"
    size="small"
    variant="outlined"
    value={value}
    onChange={event => onChange(event.target.value)}
  >
    <option value="">All environments</option>
    {environments.map(name => (
      <option key={name} value={name}>
        {name}
      </option>
    ))}
  </TextField>
);
