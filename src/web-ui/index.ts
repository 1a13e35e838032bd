export { bundledWebUiDir, clientSections, isClientRoute, registerWebUi, type WebUi } from './web-ui-routes.js';
