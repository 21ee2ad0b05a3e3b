import { describe, expect, it } from 'vitest';
import {
  describeParent,
  parseCpLocation,
  placeEntry,
  planCopy,
  resolveLocalPath,
  shapeOf,
  type DestinationState,
  type SourceKind,
} from '../../src/core/cp-paths.js';

describe('parseCpLocation', () => {
  it('splits TARGET:PATH the way docker cp does', () => {
    expect(parseCpLocation('app:/etc/hosts')).toEqual({ kind: 'target', target: 'app', path: '/etc/hosts' });
    expect(parseCpLocation('app:etc/hosts')).toEqual({ kind: 'target', target: 'app', path: '/etc/hosts' });
    expect(parseCpLocation('-')).toEqual({ kind: 'stream' });
    expect(parseCpLocation('/tmp/a:b')).toEqual({ kind: 'local', path: '/tmp/a:b' });
    expect(parseCpLocation('./a:b')).toEqual({ kind: 'local', path: './a:b' });
    expect(parseCpLocation('plain.txt')).toEqual({ kind: 'local', path: 'plain.txt' });
    // A path keeps bytes that are not UTF-8; a target's name is text, as node read it.
    expect(parseCpLocation('app\udce9:/caf\udce9')).toEqual({ kind: 'target', target: 'app\ufffd', path: '/caf\udce9' });
  });

  it('refuses a target with no path', () => {
    expect(() => parseCpLocation('app:')).toThrow('no path after "app:"');
  });
});

describe('shapeOf', () => {
  it('reads what a trailing / and /. assert', () => {
    expect(shapeOf('/a/dir')).toEqual({ clean: '/a/dir', assertsDirectory: false, contentsOnly: false, base: 'dir' });
    expect(shapeOf('/a/dir/')).toEqual({ clean: '/a/dir', assertsDirectory: true, contentsOnly: false, base: 'dir' });
    expect(shapeOf('/a/dir/.')).toEqual({ clean: '/a/dir', assertsDirectory: true, contentsOnly: true, base: 'dir' });
    expect(shapeOf('/')).toEqual({ clean: '/', assertsDirectory: true, contentsOnly: true, base: '.' });
    expect(shapeOf('/a/../b//c')).toMatchObject({ clean: '/b/c', base: 'c' });
  });

  it('keeps the ending of local paths when making them absolute', () => {
    expect(resolveLocalPath('out/', '/home/u')).toBe('/home/u/out/');
    expect(resolveLocalPath('.', '/home/u')).toBe('/home/u/.');
    expect(resolveLocalPath('d/.', '/home/u')).toBe('/home/u/d/.');
    expect(resolveLocalPath('../x', '/home/u')).toBe('/home/x');
  });
});

const missing: DestinationState = { exists: false, parentIsDirectory: true };
const noParent: DestinationState = { exists: false, parentIsDirectory: false };
const isFile: DestinationState = { exists: true, isDirectory: false };
const isDir: DestinationState = { exists: true, isDirectory: true };

function plan(src: string, kind: SourceKind, dst: string, state: DestinationState) {
  return planCopy({ display: `app:${src}`, path: src, kind }, { display: dst, path: dst, state });
}

describe('planCopy: the docker cp matrix', () => {
  it('a file: to a new name, onto a file, into a directory', () => {
    expect(plan('/etc/hosts', 'file', '/l/new', missing)).toEqual({ dir: '/l', name: 'new' });
    expect(plan('/etc/hosts', 'file', '/l/old', isFile)).toEqual({ dir: '/l', name: 'old' });
    expect(plan('/etc/hosts', 'file', '/l/d', isDir)).toEqual({ dir: '/l/d', name: 'hosts' });
    expect(plan('/etc/hosts', 'file', '/l/d/', isDir)).toEqual({ dir: '/l/d', name: 'hosts' });
  });

  it('a file: errors for a missing directory, a missing parent, a trailing / on the source', () => {
    expect(() => plan('/etc/hosts', 'file', '/l/new/', missing)).toThrow('destination directory /l/new/ does not exist');
    expect(() => plan('/etc/hosts', 'file', '/l/nope/x', noParent)).toThrow('destination directory /l/nope does not exist');
    expect(() => plan('/etc/hosts/', 'file', '/l/d', isDir)).toThrow('app:/etc/hosts/ is not a directory');
    expect(() => plan('/etc/hosts', 'file', '/l/old/', isFile)).toThrow('destination /l/old/ is not a directory');
  });

  it('a directory: created under the new name, put inside an existing one, or its contents merged with /.', () => {
    expect(plan('/etc', 'directory', '/l/new', missing)).toEqual({ dir: '/l', name: 'new' });
    expect(plan('/etc', 'directory', '/l/new/', missing)).toEqual({ dir: '/l', name: 'new' });
    expect(plan('/etc', 'directory', '/l/d', isDir)).toEqual({ dir: '/l/d', name: 'etc' });
    expect(plan('/etc/.', 'directory', '/l/d', isDir)).toEqual({ dir: '/l/d', name: null });
    expect(plan('/etc/.', 'directory', '/l/new', missing)).toEqual({ dir: '/l', name: 'new' });
    expect(plan('/', 'directory', '/l/d', isDir)).toEqual({ dir: '/l/d', name: null });
  });

  it('a directory cannot go onto a file', () => {
    expect(() => plan('/etc', 'directory', '/l/old', isFile)).toThrow('cannot copy a directory onto the file /l/old');
  });

  it('a symlink is copied as what it is: like a file', () => {
    expect(plan('/lib', 'symlink', '/l/d', isDir)).toEqual({ dir: '/l/d', name: 'lib' });
  });

  it('places entries below the plan', () => {
    expect(placeEntry({ dir: '/l', name: 'new' }, '.')).toBe('new');
    expect(placeEntry({ dir: '/l', name: 'new' }, 'a/b')).toBe('new/a/b');
    expect(placeEntry({ dir: '/l', name: null }, 'a/b')).toBe('a/b');
  });

  it('names the parent of target and local destinations', () => {
    expect(describeParent('app:/a/b')).toBe('app:/a');
    expect(describeParent('app:/a/b/')).toBe('app:/a');
    expect(describeParent('out/x')).toBe('out');
    expect(describeParent('/tmp/x/y')).toBe('/tmp/x');
  });
});
