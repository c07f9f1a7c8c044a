// The bar across the top of every logged-in page: product name, and the user menu with log out.
import { getCurrentUser, isSystemAdmin } from '../store/state.js';
import { useSelector, useSession } from '../store/hooks.js';
import { siteName } from '../auth/AuthLayout.js';
import { Avatar } from '../ui/Avatar.js';
import { CogIcon, LogoutIcon, PlusIcon } from '../ui/icons.js';
import { Menu, MenuDivider, MenuItem } from '../ui/Menu.js';
import { Link, navigate } from './router.js';

export function GlobalHeader() {
  const name = useSelector((s) => siteName(s.entities.general.config));
  return (
    <header className="global-header">
      <Link className="global-brand" to="/">
        <span className="brand-mark small" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span>{name}</span>
      </Link>
      <div className="global-header-right">
        <UserMenu />
      </div>
    </header>
  );
}

export function UserMenu() {
  const session = useSession();
  const user = useSelector(getCurrentUser);
  if (!user) return null;
  const admin = isSystemAdmin(user);
  return (
    <Menu
      align="right"
      trigger={(open, toggle) => (
        <button
          type="button"
          className={`user-menu-button${open ? ' active' : ''}`}
          aria-label="User menu"
          aria-expanded={open}
          onClick={toggle}
        >
          <Avatar user={user} userId={user.id} size={28} status />
        </button>
      )}
    >
      {(close) => (
        <>
          <div className="menu-user">
            <Avatar user={user} userId={user.id} size={36} />
            <div>
              <strong>@{user.username}</strong>
              <div className="muted small">{user.email}</div>
            </div>
          </div>
          <MenuDivider />
          <MenuItem
            icon={<PlusIcon />}
            onSelect={() => {
              close();
              navigate('/select_team');
            }}
          >
            Join or create a team
          </MenuItem>
          {admin && (
            <MenuItem
              icon={<CogIcon />}
              onSelect={() => {
                close();
                navigate('/admin_console/plugins/plugin_management');
              }}
            >
              System Console
            </MenuItem>
          )}
          <MenuDivider />
          <MenuItem
            icon={<LogoutIcon />}
            onSelect={() => {
              close();
              void session.logout();
            }}
          >
            Log out
          </MenuItem>
        </>
      )}
    </Menu>
  );
}
