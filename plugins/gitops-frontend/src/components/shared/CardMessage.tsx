import { ReactNode } from 'react';
import Typography from '@material-ui/core/Typography';

/** A compact empty state that fits an overview card. */
export const CardMessage = ({
  title,
  children,
}: {
  title: string;
  children?: ReactNode;
}) => (
  <div style={{ padding: '8px 0' }}>
    <Typography variant="subtitle1" gutterBottom>
      {title}
    </Typography>
    {children}
  </div>
);
