// Line icons (24×24 grid, currentColor), drawn for this UI.
import type { ReactElement } from 'react';

type P = { size?: number; className?: string };

function svg(path: ReactElement, { size = 18, className }: P, fill = false) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={fill ? 'currentColor' : 'none'}
      stroke={fill ? 'none' : 'currentColor'}
      strokeWidth={1.9}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      className={className}
    >
      {path}
    </svg>
  );
}

export const MicIcon = (p: P) =>
  svg(
    <>
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7" />
    </>,
    p,
  );

export const MicOffIcon = (p: P) =>
  svg(
    <>
      <path d="M15 10V6a3 3 0 0 0-5.7-1.3M9 9v2a3 3 0 0 0 4.6 2.5" />
      <path d="M18.5 11a6.5 6.5 0 0 1-1.2 3.7M5.5 11a6.5 6.5 0 0 0 10 5.5M12 17.5V21M8.5 21h7M4 4l16 16" />
    </>,
    p,
  );

export const ScreenIcon = (p: P) =>
  svg(
    <>
      <rect x="3" y="4" width="18" height="12.5" rx="2" />
      <path d="M8.5 20.5h7M12 16.5v4M12 13V8M9.5 10.3 12 7.8l2.5 2.5" />
    </>,
    p,
  );

export const ScreenOffIcon = (p: P) =>
  svg(
    <>
      <rect x="3" y="4" width="18" height="12.5" rx="2" />
      <path d="M8.5 20.5h7M12 16.5v4M9.5 8l5 5M14.5 8l-5 5" />
    </>,
    p,
  );

export const HandIcon = (p: P) =>
  svg(
    <path d="M8 12.5V5.5a1.5 1.5 0 0 1 3 0V11m0-6.5v-1a1.5 1.5 0 0 1 3 0V11m0-6a1.5 1.5 0 0 1 3 0v7m0-4a1.5 1.5 0 0 1 3 0v6.5a7 7 0 0 1-7 7h-1a7 7 0 0 1-5.6-2.8L4.2 14a1.6 1.6 0 0 1 2.5-2L8 13.5" />,
    p,
  );

export const PeopleIcon = (p: P) =>
  svg(
    <>
      <circle cx="9" cy="8" r="3.5" />
      <path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 4.8a3.5 3.5 0 0 1 0 6.4M18.5 14.3A6.5 6.5 0 0 1 21.5 20" />
    </>,
    p,
  );

export const PhoneIcon = (p: P) =>
  svg(
    <path d="M5 3.5h3.2l1.6 4.2-2.1 1.4a11.5 11.5 0 0 0 7.2 7.2l1.4-2.1 4.2 1.6V19a1.9 1.9 0 0 1-2 1.9A16.6 16.6 0 0 1 3.1 5.5 1.9 1.9 0 0 1 5 3.5Z" />,
    p,
  );

export const LeaveIcon = (p: P) =>
  svg(
    <path d="M3.3 13.7c-.6-.6-.6-1.6.1-2.1a13.6 13.6 0 0 1 17.2 0c.7.5.7 1.5.1 2.1l-1.7 1.7a1.5 1.5 0 0 1-1.9.2l-2-1.3a1.5 1.5 0 0 1-.7-1.3v-1.6a11 11 0 0 0-4.8 0V13a1.5 1.5 0 0 1-.7 1.3l-2 1.3a1.5 1.5 0 0 1-1.9-.2Z" />,
    p,
  );

export const ExpandIcon = (p: P) => svg(<path d="M14 4h6v6M10 20H4v-6M20 4l-7 7M4 20l7-7" />, p);
export const CollapseIcon = (p: P) => svg(<path d="M4 14h6v6M20 10h-6V4M10 14l-7 7M14 10l7-7" />, p);
export const DotsIcon = (p: P) =>
  svg(
    <>
      <circle cx="5" cy="12" r="1.6" />
      <circle cx="12" cy="12" r="1.6" />
      <circle cx="19" cy="12" r="1.6" />
    </>,
    p,
    true,
  );
export const CloseIcon = (p: P) => svg(<path d="M6 6l12 12M18 6 6 18" />, p);
export const CheckIcon = (p: P) => svg(<path d="m5 12.5 4.5 4.5L19 7.5" />, p);
export const SpeakerIcon = (p: P) =>
  svg(
    <>
      <path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z" />
      <path d="M15.5 9a4.5 4.5 0 0 1 0 6M18 6.5a8 8 0 0 1 0 11" />
    </>,
    p,
  );
export const SmileIcon = (p: P) =>
  svg(
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01" />
    </>,
    p,
  );
export const AlertIcon = (p: P) =>
  svg(
    <>
      <path d="M10.3 4.2 2.6 17.5A2 2 0 0 0 4.3 20.5h15.4a2 2 0 0 0 1.7-3L13.7 4.2a2 2 0 0 0-3.4 0Z" />
      <path d="M12 9.5v4M12 17h.01" />
    </>,
    p,
  );
export const CrownIcon = (p: P) => svg(<path d="m3.5 8 4.5 4 4-6.5 4 6.5 4.5-4-1.8 10H5.3z" />, p);
export const ChartIcon = (p: P) => svg(<path d="M4 20V10M10 20V4M16 20v-7M22 20H2" />, p);
