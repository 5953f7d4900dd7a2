// The default VitePress theme, plus a link to Swagger UI (/docs), which lives outside the portal's
// base path: a nav item's link would get /portal/ prepended, so the link is added through a slot.
import DefaultTheme from 'vitepress/theme';
import { h } from 'vue';
import './custom.css';

const swagger = (cls) => () => h('a', { class: cls, href: '/docs/', target: '_self', title: 'Try every operation in Swagger UI' }, 'Swagger UI');

export default {
  extends: DefaultTheme,
  Layout() {
    return h(DefaultTheme.Layout, null, {
      'nav-bar-content-after': swagger('plinth-swagger'),
      'nav-screen-content-after': swagger('plinth-swagger plinth-swagger-screen'),
    });
  },
};
