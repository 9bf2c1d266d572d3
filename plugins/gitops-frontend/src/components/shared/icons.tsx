import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

// Material icon paths, drawn here so the plugin needs no icon package.
export const ExpandMoreIcon = (props: SvgIconProps) => (
  <SvgIcon {...props}>
    <path d="M16.59 8.59L12 13.17 7.41 8.59 6 10l6 6 6-6z" />
  </SvgIcon>
);

export const ArrowForwardIcon = (props: SvgIconProps) => (
  <SvgIcon {...props}>
    <path d="M12 4l-1.41 1.41L16.17 11H4v2h12.17l-5.58 5.59L12 20l8-8z" />
  </SvgIcon>
);
