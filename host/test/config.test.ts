// Configuration from MM_* environment variables and the MM_CONFIG file, with clear errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, optionsFromEnv, parseListenAddress } from '../src/config.js';

describe('host configuration', () => {
  it('parses listen addresses the Mattermost way', () => {
    assert.deepEqual(parseListenAddress(':8065', 'x'), { host: undefined, port: 8065 });
    assert.deepEqual(parseListenAddress('8065', 'x'), { host: undefined, port: 8065 });
    assert.deepEqual(parseListenAddress('127.0.0.1:0', 'x'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddress('[::1]:8067', 'x'), { host: '::1', port: 8067 });
    assert.throws(() => parseListenAddress('host:port', 'MM_SERVICESETTINGS_LISTENADDRESS'), /MM_SERVICESETTINGS_LISTENADDRESS: "host:port" is not a listen address/);
    assert.throws(() => parseListenAddress(':70000', 'x'), ConfigError);
  });

  it('reads Mattermost environment variables', () => {
    const o = optionsFromEnv({
      MM_SERVICESETTINGS_LISTENADDRESS: ':9000',
      MM_SERVICESETTINGS_SITEURL: 'https://chat.example.com',
      MM_SQLSETTINGS_DRIVERNAME: 'postgres',
      MM_SQLSETTINGS_DATASOURCE: 'postgres://u@db/calls',
      MM_METRICSSETTINGS_LISTENADDRESS: '127.0.0.1:9067',
      MM_METRICSSETTINGS_ALLOWEDIPS: '10.0.0.0/8, 192.168.0.1',
      MM_METRICSSETTINGS_BEARERTOKEN: 'tok',
      MM_PLUGINSETTINGS_DIRECTORIES: 'a,b',
      MM_LOGSETTINGS_CONSOLELEVEL: 'DEBUG',
      MM_SERVICESETTINGS_ENABLEOPENSERVER: 'false',
    });
    assert.equal(o.listenAddress, ':9000');
    assert.equal(o.siteUrl, 'https://chat.example.com');
    assert.deepEqual(o.sql, { driver: 'postgres', dataSource: 'postgres://u@db/calls' });
    assert.deepEqual(o.metrics, { listenAddress: '127.0.0.1:9067', allowedIps: ['10.0.0.0/8', '192.168.0.1'], bearerToken: 'tok' });
    assert.deepEqual(o.pluginDirs, [resolve('a'), resolve('b')]);
    assert.equal(o.logLevel, 'debug');
    assert.equal(o.enableOpenSignup, false);
    assert.deepEqual(optionsFromEnv({ MM_PLUGINSETTINGS_DIRECTORIES: '' }).pluginDirs, []);
  });

  it('infers the driver from the data source and defaults the SQLite file', () => {
    assert.deepEqual(optionsFromEnv({ MM_SQLSETTINGS_DATASOURCE: 'postgres://x@y/z' }).sql, { driver: 'postgres', dataSource: 'postgres://x@y/z' });
    assert.deepEqual(optionsFromEnv({ MM_SQLSETTINGS_DRIVERNAME: 'sqlite3' }).sql, { driver: 'sqlite', dataSource: './data/calls.sqlite' });
    assert.equal(optionsFromEnv({}).sql, undefined);
  });

  it('refuses bad values with a message naming the setting', () => {
    assert.throws(() => optionsFromEnv({ MM_SQLSETTINGS_DRIVERNAME: 'mysql' }), /MM_SQLSETTINGS_DRIVERNAME: the SQL driver must be "sqlite" or "postgres"/);
    assert.throws(() => optionsFromEnv({ MM_SQLSETTINGS_DRIVERNAME: 'postgres' }), /MM_SQLSETTINGS_DATASOURCE: a Postgres connection string is required/);
    assert.throws(() => optionsFromEnv({ MM_LOGSETTINGS_CONSOLELEVEL: 'loud' }), /unknown log level "loud"/);
  });

  it('reads an MM_CONFIG file in Mattermost layout, environment variables win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'host-config-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({
        ServiceSettings: { ListenAddress: ':8100', SiteURL: 'http://file.example' },
        SqlSettings: { DriverName: 'sqlite', DataSource: '/tmp/x.sqlite' },
        MetricsSettings: { Enable: false, AllowedIPs: ['127.0.0.1'] },
        PluginSettings: { Directories: ['plugins/calls'] },
        LogSettings: { ConsoleLevel: 'warn' },
      }));
      const o = optionsFromEnv({ MM_CONFIG: file, MM_SERVICESETTINGS_LISTENADDRESS: ':8200' });
      assert.equal(o.listenAddress, ':8200');
      assert.equal(o.siteUrl, 'http://file.example');
      assert.deepEqual(o.sql, { driver: 'sqlite', dataSource: '/tmp/x.sqlite' });
      assert.equal(o.metrics?.enable, false);
      assert.deepEqual(o.metrics?.allowedIps, ['127.0.0.1']);
      assert.deepEqual(o.pluginDirs, [join(dir, 'plugins/calls')]);
      assert.equal(o.logLevel, 'warn');
      writeFileSync(file, '{"SqlSettings": {"DriverName": 3}}');
      assert.throws(() => optionsFromEnv({ MM_CONFIG: file }), /SqlSettings\.DriverName/);
      writeFileSync(file, '{oops');
      assert.throws(() => optionsFromEnv({ MM_CONFIG: file }), ConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
