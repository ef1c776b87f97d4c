/**
 * electron-builder configuration (used by scripts/dist.js; `npx electron-builder --config
 * build/electron-builder.config.mjs` works too once the inputs below exist).
 *
 * - Windows: an NSIS installer for x64 (per-user by default, the user may choose the folder);
 *   app data lives in the user's profile (%APPDATA%\FER Lab, see src-main/home.ts), never in the
 *   install folder, so upgrades and uninstalls keep every run.
 * - Native code: node_modules is never rebuilt in place (npmRebuild: false), because the Node copy
 *   of better-sqlite3 serves the CLI and the tests. scripts/dist.js builds better-sqlite3 for
 *   Electron's ABI in a copy and ships it as resources/native/electron-<version>/ (loaded through
 *   better-sqlite3's nativeBinding option, see src-main/app/native-sqlite.ts). tfjs-node-gpu uses
 *   N-API, so its binding works under Electron as built; it and its libtensorflow DLLs are unpacked
 *   from the asar archive because native libraries cannot be loaded from inside one.
 */
const nativeDir = process.env.FER_LAB_NATIVE_DIR ?? '.cache/dist/native';
const iconDir = process.env.FER_LAB_ICON_DIR ?? '.cache/dist/icons';

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.ferlab.workbench',
  productName: 'FER Lab',
  copyright: 'FER Lab contributors',
  directories: { output: 'dist', buildResources: 'build' },
  // electron-vite's output plus the production dependencies electron-builder adds itself.
  files: ['out/**/*', 'package.json', '!**/*.map', '!node_modules/**/{test,tests,example,examples,docs}/**'],
  extraResources: [
    { from: 'resources', to: 'resources', filter: ['**/*'] },
    { from: nativeDir, to: 'resources/native', filter: ['**/*.node'] },
  ],
  asar: true,
  asarUnpack: [
    'node_modules/better-sqlite3/**/*.node',
    'node_modules/@tensorflow/tfjs-node-gpu/lib/**',
    'node_modules/@tensorflow/tfjs-node-gpu/deps/**',
    '**/*.dll',
  ],
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  electronDist: process.env.ELECTRON_DIST || undefined,
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: `${iconDir}/icon.ico`,
    artifactName: 'FER-Lab-Setup-${version}-${arch}.${ext}',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'FER Lab',
    // Keep the user's runs, datasets cache and checkpoints on uninstall (they are not in the install folder).
    deleteAppDataOnUninstall: false,
    installerIcon: `${iconDir}/icon.ico`,
    uninstallerIcon: `${iconDir}/icon.ico`,
  },
  linux: {
    target: [{ target: 'dir', arch: ['x64'] }],
    icon: `${iconDir}/icon.png`,
    category: 'Science',
  },
  mac: {
    target: [{ target: 'dir' }],
    icon: `${iconDir}/icon.png`,
  },
};

export default config;
