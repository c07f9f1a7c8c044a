// The Calls UI's stylesheet, injected once by initialize (the bundle is one script: no CSS file is loaded).
// Colours come from the shell's Mattermost theme variables; the expanded view is dark, as the reference's.

const css = `
.calls-btn{display:inline-flex;align-items:center;justify-content:center;gap:6px;height:32px;padding:0 14px;border-radius:4px;border:0;font:600 12px/1 var(--font-family,inherit);cursor:pointer;white-space:nowrap;transition:background .12s,color .12s,box-shadow .12s}
.calls-btn:disabled{cursor:not-allowed;opacity:.56}
.calls-btn-primary{background:var(--button-bg);color:var(--button-color,#fff)}
.calls-btn-primary:not(:disabled):hover{background:color-mix(in srgb,var(--button-bg) 88%,#000)}
.calls-btn-secondary{background:rgba(var(--button-bg-rgb),.08);color:var(--button-bg)}
.calls-btn-secondary:not(:disabled):hover{background:rgba(var(--button-bg-rgb),.14)}
.calls-btn-tertiary{background:transparent;color:rgba(var(--center-channel-color-rgb),.72)}
.calls-btn-tertiary:not(:disabled):hover{background:rgba(var(--center-channel-color-rgb),.08)}
.calls-btn-danger{background:var(--dnd-indicator,#d24b4e);color:#fff}
.calls-btn-danger:not(:disabled):hover{background:color-mix(in srgb,var(--dnd-indicator,#d24b4e) 85%,#000)}
.calls-btn-join{background:var(--online-indicator,#3db887);color:#fff}
.calls-btn-join:not(:disabled):hover{background:color-mix(in srgb,var(--online-indicator,#3db887) 85%,#000)}
.calls-btn-lg{height:40px;padding:0 20px;font-size:14px}

.calls-header-button{height:32px;padding:0 12px;font-size:12px}
.calls-header-button .calls-count{display:inline-flex;align-items:center;justify-content:center;min-width:18px;height:18px;padding:0 5px;border-radius:9px;background:rgba(255,255,255,.24);font-size:11px}
.calls-header-button.calls-in-call{background:rgba(var(--center-channel-color-rgb),.08);color:rgba(var(--center-channel-color-rgb),.64);opacity:1}

.calls-sidebar-indicator{display:inline-flex;align-items:center;gap:3px;margin-left:auto;padding:1px 6px;border-radius:9px;background:rgba(61,184,135,.2);color:#4fd39c;font-size:11px;font-weight:600;line-height:16px}
.calls-sidebar-indicator.calls-mine{background:#3db887;color:#fff}

.calls-toast{display:flex;align-items:center;gap:12px;margin:8px 20px 0;padding:8px 8px 8px 16px;border-radius:8px;background:var(--online-indicator,#3db887);color:#fff;box-shadow:var(--elevation-2,0 2px 3px rgba(0,0,0,.08));font-size:14px}
.calls-toast strong{font-weight:600}
.calls-toast .calls-toast-time{opacity:.85}
.calls-toast .calls-spacer{flex:1}
.calls-toast .calls-btn{background:rgba(255,255,255,.18);color:#fff}
.calls-toast .calls-btn:hover{background:rgba(255,255,255,.28)}
.calls-toast .calls-icon-btn{color:#fff}

.calls-icon-btn{display:inline-flex;align-items:center;justify-content:center;width:32px;height:32px;border:0;border-radius:4px;background:transparent;color:rgba(var(--center-channel-color-rgb),.64);cursor:pointer;flex:none}
.calls-icon-btn:hover{background:rgba(var(--center-channel-color-rgb),.08);color:rgba(var(--center-channel-color-rgb),.88)}

.calls-card{display:flex;flex-direction:column;gap:12px;max-width:460px;margin-top:4px;padding:16px;border:1px solid rgba(var(--center-channel-color-rgb),.16);border-radius:8px;background:var(--center-channel-bg);box-shadow:var(--elevation-1,0 1px 2px rgba(0,0,0,.04))}
.calls-card-top{display:flex;align-items:center;gap:12px}
.calls-card-icon{display:flex;align-items:center;justify-content:center;width:40px;height:40px;border-radius:50%;background:rgba(61,184,135,.16);color:#3db887;flex:none}
.calls-card.calls-ended .calls-card-icon{background:rgba(var(--center-channel-color-rgb),.08);color:rgba(var(--center-channel-color-rgb),.56)}
.calls-card-title{font-weight:600;font-size:15px;color:var(--center-channel-color)}
.calls-card-sub{font-size:12px;color:rgba(var(--center-channel-color-rgb),.64);margin-top:2px}
.calls-card-bottom{display:flex;align-items:center;gap:12px}
.calls-card-bottom .calls-spacer{flex:1}

.calls-avatars{display:flex;align-items:center}
.calls-avatars > *{margin-left:-6px;border:2px solid var(--center-channel-bg);border-radius:50%}
.calls-avatars > *:first-child{margin-left:0}
.calls-avatar{display:inline-flex;align-items:center;justify-content:center;border-radius:50%;overflow:hidden;color:#fff;font-weight:600;flex:none;position:relative}
.calls-avatar img{width:100%;height:100%;object-fit:cover}
.calls-avatars-more{display:inline-flex;align-items:center;justify-content:center;width:28px;height:28px;border-radius:50%;background:rgba(var(--center-channel-color-rgb),.12);color:rgba(var(--center-channel-color-rgb),.72);font-size:11px;font-weight:600}

.calls-widget{position:fixed;left:8px;bottom:8px;z-index:900;width:224px;border-radius:8px;background:var(--center-channel-bg);color:var(--center-channel-color);box-shadow:0 8px 24px rgba(0,0,0,.24),0 0 0 1px rgba(var(--center-channel-color-rgb),.08);font-size:14px}
.calls-widget-head{display:flex;align-items:center;gap:6px;padding:10px 6px 4px 12px}
.calls-widget-title{flex:1;min-width:0}
.calls-widget-channel{display:block;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600;font-size:13px;color:var(--center-channel-color);background:none;border:0;padding:0;cursor:pointer;text-align:left;max-width:100%}
.calls-widget-channel:hover{text-decoration:underline}
.calls-widget-meta{display:flex;align-items:center;gap:6px;font-size:11px;color:rgba(var(--center-channel-color-rgb),.64);margin-top:2px}
.calls-widget-status{color:#e07315;font-weight:600}
.calls-widget-speaking{display:flex;align-items:center;gap:8px;padding:6px 12px 10px;font-size:12px;color:rgba(var(--center-channel-color-rgb),.72);min-height:40px}
.calls-widget-speaking .calls-speaking-name{font-weight:600;color:var(--center-channel-color)}
.calls-widget-preview{position:relative;margin:0 12px 10px;border-radius:6px;overflow:hidden;background:#000;cursor:pointer;aspect-ratio:16/9}
.calls-widget-preview video{width:100%;height:100%;object-fit:contain;display:block}
.calls-widget-preview span{position:absolute;left:6px;bottom:6px;padding:2px 6px;border-radius:4px;background:rgba(0,0,0,.6);color:#fff;font-size:11px}
.calls-widget-controls{position:relative;display:flex;align-items:center;gap:3px;padding:6px;border-top:1px solid rgba(var(--center-channel-color-rgb),.08)}
.calls-widget-controls .calls-spacer{flex:1}
.calls-ctl{position:relative;display:inline-flex;align-items:center;justify-content:center;gap:4px;min-width:32px;height:32px;padding:0 6px;border:0;border-radius:4px;background:rgba(var(--center-channel-color-rgb),.08);color:rgba(var(--center-channel-color-rgb),.72);cursor:pointer;font:600 12px/1 var(--font-family,inherit)}
.calls-ctl:hover:not(:disabled){background:rgba(var(--center-channel-color-rgb),.14);color:var(--center-channel-color)}
.calls-ctl:disabled{opacity:.48;cursor:not-allowed}
.calls-ctl.calls-on{background:rgba(var(--button-bg-rgb),.12);color:var(--button-bg)}
.calls-ctl.calls-unmuted{background:rgba(61,184,135,.16);color:#2f9e72}
.calls-ctl.calls-hand-on{background:rgba(255,188,31,.2);color:#b7830f}
.calls-ctl.calls-leave{background:var(--dnd-indicator,#d24b4e);color:#fff;padding:0 8px}
.calls-ctl.calls-leave:hover{background:color-mix(in srgb,var(--dnd-indicator,#d24b4e) 85%,#000);color:#fff}

.calls-quality{display:inline-flex;align-items:flex-end;gap:1.5px;height:11px}
.calls-quality i{display:block;width:3px;border-radius:1px;background:rgba(var(--center-channel-color-rgb),.2)}
.calls-quality i:nth-child(1){height:4px}.calls-quality i:nth-child(2){height:7px}.calls-quality i:nth-child(3){height:11px}
.calls-quality[data-quality=good] i{background:#3db887}
.calls-quality[data-quality=fair] i:nth-child(-n+2){background:#e0a315}
.calls-quality[data-quality=poor] i:nth-child(1){background:#d24b4e}

.calls-popover{position:absolute;z-index:950;min-width:220px;max-width:320px;padding:6px 0;border-radius:8px;background:var(--center-channel-bg);color:var(--center-channel-color);box-shadow:0 8px 24px rgba(0,0,0,.2),0 0 0 1px rgba(var(--center-channel-color-rgb),.08);font-size:14px}
.calls-popover-up{bottom:calc(100% + 8px);left:0}
.calls-popover-side{left:calc(100% + 8px);bottom:0}
.calls-popover-up-right{bottom:calc(100% + 8px);right:0}
.calls-menu-title{padding:8px 16px 4px;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.02em;color:rgba(var(--center-channel-color-rgb),.56)}
.calls-menu-item{display:flex;align-items:center;gap:10px;width:100%;padding:8px 16px;border:0;background:none;color:inherit;font:14px/20px var(--font-family,inherit);text-align:left;cursor:pointer}
.calls-menu-item:hover{background:rgba(var(--button-bg-rgb),.08)}
.calls-menu-item.calls-danger{color:var(--dnd-indicator,#d24b4e)}
.calls-menu-item .calls-check{margin-left:auto;color:var(--button-bg)}
.calls-menu-sep{height:1px;margin:6px 0;background:rgba(var(--center-channel-color-rgb),.08)}

.calls-participants{width:300px;max-height:min(60vh,420px);overflow:auto}
.calls-participants-head{display:flex;align-items:center;gap:8px;padding:6px 12px 8px 16px;font-weight:600}
.calls-participants-head .calls-spacer{flex:1}
.calls-participant{display:flex;align-items:center;gap:10px;padding:6px 8px 6px 16px;min-height:44px}
.calls-participant:hover{background:rgba(var(--center-channel-color-rgb),.04)}
.calls-participant-name{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.calls-participant-name small{color:rgba(var(--center-channel-color-rgb),.56);font-weight:400}
.calls-badge{display:inline-flex;align-items:center;gap:3px;padding:1px 6px;border-radius:4px;background:rgba(var(--button-bg-rgb),.12);color:var(--button-bg);font-size:10px;font-weight:700;text-transform:uppercase;letter-spacing:.03em}
.calls-state-icons{display:flex;align-items:center;gap:6px;color:rgba(var(--center-channel-color-rgb),.56)}
.calls-state-icons .calls-hand{color:#e0a315}
.calls-state-icons .calls-live{color:#3db887}
.calls-state-icons .calls-muted{color:rgba(var(--center-channel-color-rgb),.4)}
.calls-speaking-ring{box-shadow:0 0 0 2px var(--center-channel-bg),0 0 0 4px #3db887}
.calls-participant-menu{position:relative}
.calls-participant-menu .calls-popover{right:0;top:calc(100% + 4px)}

.calls-banners{position:fixed;top:52px;left:50%;transform:translateX(-50%);z-index:1000;display:flex;flex-direction:column;gap:8px;width:min(560px,calc(100vw - 32px));pointer-events:none}
.calls-banner{display:flex;align-items:flex-start;gap:10px;padding:10px 8px 10px 14px;border-radius:8px;background:var(--center-channel-bg);color:var(--center-channel-color);box-shadow:0 6px 20px rgba(0,0,0,.18),0 0 0 1px rgba(var(--center-channel-color-rgb),.08);border-left:4px solid #e07315;font-size:14px;line-height:20px;pointer-events:auto}
.calls-banner[data-kind=reconnecting]{border-left-color:#e0a315}
.calls-banner[data-kind=ended-by-host],.calls-banner[data-kind=removed]{border-left-color:var(--button-bg)}
.calls-banner[data-kind=disconnected],.calls-banner[data-kind=join-failed],.calls-banner[data-kind=error],.calls-banner[data-kind=mic-permission]{border-left-color:var(--dnd-indicator,#d24b4e)}
.calls-banner > svg{flex:none;margin-top:1px;color:#e07315}
.calls-banner > div{flex:1}
.calls-banner .calls-icon-btn{width:24px;height:24px}

.calls-incoming{position:fixed;top:112px;right:16px;z-index:1001;display:flex;flex-direction:column;gap:12px;width:320px;padding:16px;border-radius:12px;background:#1e325c;color:#fff;box-shadow:0 12px 32px rgba(0,0,0,.32);animation:calls-pop .2s ease-out}
.calls-incoming-top{display:flex;align-items:center;gap:12px}
.calls-incoming-top .calls-avatar{box-shadow:0 0 0 3px rgba(61,184,135,.6);animation:calls-pulse 1.4s ease-in-out infinite}
.calls-incoming-title{font-weight:600;font-size:15px}
.calls-incoming-sub{font-size:12px;opacity:.72;margin-top:2px}
.calls-incoming-actions{display:flex;gap:8px}
.calls-incoming-actions .calls-btn{flex:1}
.calls-incoming .calls-btn-tertiary{background:rgba(255,255,255,.12);color:#fff}
.calls-incoming .calls-btn-tertiary:hover{background:rgba(255,255,255,.2)}
@keyframes calls-pulse{0%,100%{box-shadow:0 0 0 3px rgba(61,184,135,.6)}50%{box-shadow:0 0 0 7px rgba(61,184,135,.15)}}
@keyframes calls-pop{from{transform:translateY(-8px);opacity:0}to{transform:none;opacity:1}}

.calls-modal-backdrop{position:fixed;inset:0;z-index:1100;display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,.5)}
.calls-modal{width:min(460px,calc(100vw - 32px));padding:24px;border-radius:12px;background:var(--center-channel-bg);color:var(--center-channel-color);box-shadow:0 20px 48px rgba(0,0,0,.3)}
.calls-modal h2{margin:0 0 8px;font-size:20px;font-weight:600}
.calls-modal p{margin:0 0 20px;color:rgba(var(--center-channel-color-rgb),.72);line-height:20px}
.calls-modal-actions{display:flex;justify-content:flex-end;gap:8px}

.calls-reactions-bar{display:flex;gap:2px;padding:4px;border-radius:8px;background:var(--center-channel-bg);box-shadow:0 8px 24px rgba(0,0,0,.2),0 0 0 1px rgba(var(--center-channel-color-rgb),.08)}
.calls-reaction-btn{width:36px;height:36px;border:0;border-radius:6px;background:none;font-size:20px;cursor:pointer;line-height:1}
.calls-reaction-btn:hover{background:rgba(var(--center-channel-color-rgb),.08);transform:scale(1.1)}

.calls-expanded{position:relative;display:flex;flex-direction:column;height:100%;min-height:0;background:#17191d;color:#e8e9ed;--center-channel-bg:#25282e;--center-channel-color:#e8e9ed;--center-channel-color-rgb:232,233,237}
.calls-expanded-head{display:flex;align-items:center;gap:12px;padding:12px 16px;border-bottom:1px solid rgba(255,255,255,.06)}
.calls-expanded-head h2{margin:0;font-size:16px;font-weight:600}
.calls-expanded-head .calls-widget-meta{color:rgba(255,255,255,.6);font-size:12px}
.calls-expanded-head .calls-spacer{flex:1}
.calls-expanded-head .calls-icon-btn{color:rgba(255,255,255,.72)}
.calls-expanded-head .calls-icon-btn:hover{background:rgba(255,255,255,.08);color:#fff}
.calls-expanded-body{flex:1;display:flex;min-height:0}
.calls-expanded-main{position:relative;flex:1;display:flex;min-width:0;padding:16px;gap:12px}
.calls-grid{flex:1;display:grid;gap:12px;align-content:center;justify-content:center;grid-template-columns:repeat(var(--calls-cols),minmax(0,260px))}
.calls-tile{position:relative;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:10px;aspect-ratio:4/3;border-radius:12px;background:#25282e;transition:box-shadow .15s}
.calls-tile.calls-speaking{box-shadow:0 0 0 3px #3db887}
.calls-tile-name{display:flex;align-items:center;gap:6px;max-width:90%;font-size:13px;font-weight:600;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.calls-tile-icons{position:absolute;top:8px;right:8px;display:flex;gap:6px}
.calls-tile-icons > span{display:inline-flex;align-items:center;justify-content:center;width:24px;height:24px;border-radius:50%;background:rgba(0,0,0,.4)}
.calls-tile-icons .calls-hand{background:#e0a315;color:#1b1d22}
.calls-tile .calls-badge{background:rgba(255,255,255,.12);color:#fff}
.calls-screen{flex:1;display:flex;flex-direction:column;min-width:0;gap:8px}
.calls-screen-frame{position:relative;flex:1;min-height:0;border-radius:12px;overflow:hidden;background:#000}
.calls-screen-frame video{position:absolute;inset:0;width:100%;height:100%;object-fit:contain}
.calls-screen-label{position:absolute;left:12px;top:12px;padding:4px 10px;border-radius:6px;background:rgba(0,0,0,.6);font-size:12px;font-weight:600}
.calls-strip{display:flex;flex-direction:column;gap:8px;width:168px;overflow:auto}
.calls-strip .calls-tile{aspect-ratio:16/10;gap:6px}
.calls-strip .calls-tile-name{font-size:12px}
.calls-expanded-controls{display:flex;align-items:center;justify-content:center;gap:10px;padding:12px 16px 16px;position:relative}
.calls-expanded-controls .calls-ctl{height:44px;min-width:44px;border-radius:8px;background:rgba(255,255,255,.08);color:rgba(255,255,255,.86)}
.calls-expanded-controls .calls-ctl:hover:not(:disabled){background:rgba(255,255,255,.16);color:#fff}
.calls-expanded-controls .calls-ctl.calls-unmuted{background:rgba(61,184,135,.24);color:#6fe0b1}
.calls-expanded-controls .calls-ctl.calls-on{background:rgba(93,137,234,.3);color:#a9c2ff}
.calls-expanded-controls .calls-ctl.calls-hand-on{background:rgba(255,188,31,.3);color:#ffd36b}
.calls-expanded-controls .calls-ctl.calls-leave{background:#d24b4e;color:#fff;padding:0 18px}
.calls-expanded-controls .calls-sep{width:1px;height:28px;background:rgba(255,255,255,.12)}
.calls-expanded-controls .calls-reactions-bar{position:absolute;bottom:calc(100% - 4px);left:50%;transform:translateX(-50%)}
.calls-expanded-panel{width:320px;border-left:1px solid rgba(255,255,255,.06);background:#1e2126;overflow:auto}
.calls-expanded-panel .calls-participants{width:auto;max-height:none}
.calls-stream{position:absolute;left:28px;bottom:28px;display:flex;flex-direction:column-reverse;gap:6px;pointer-events:none;max-height:60%;overflow:hidden}
.calls-stream-item{display:flex;align-items:center;gap:8px;padding:4px 12px 4px 4px;border-radius:18px;background:rgba(37,40,46,.92);font-size:13px;animation:calls-pop .2s ease-out;box-shadow:0 4px 12px rgba(0,0,0,.3)}
.calls-stream-item .calls-emoji{font-size:22px;line-height:1}
.calls-expanded-empty{flex:1;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:16px;color:rgba(255,255,255,.72)}

.calls-admin{max-width:1040px}
.calls-admin-section{margin-bottom:24px;border-radius:8px;border:1px solid rgba(var(--center-channel-color-rgb),.12);background:var(--center-channel-bg)}
.calls-admin-section > header{padding:16px 24px;border-bottom:1px solid rgba(var(--center-channel-color-rgb),.08)}
.calls-admin-section > header h3{margin:0;font-size:16px;font-weight:600}
.calls-admin-section > header p{margin:4px 0 0;font-size:13px;color:rgba(var(--center-channel-color-rgb),.64)}
.calls-setting{display:grid;grid-template-columns:240px 1fr;gap:8px 24px;padding:16px 24px;border-top:1px solid rgba(var(--center-channel-color-rgb),.06)}
.calls-setting:first-of-type{border-top:0}
.calls-setting > label{font-weight:600;font-size:14px;padding-top:6px}
.calls-setting-help{font-size:12px;line-height:18px;color:rgba(var(--center-channel-color-rgb),.64);margin-top:6px}
.calls-setting-error{font-size:12px;color:var(--error-text,#d24b4e);margin-top:6px;font-weight:600}
.calls-setting-env{font-size:12px;color:#b7830f;margin-top:6px}
.calls-input{width:100%;max-width:420px;height:36px;padding:0 12px;border-radius:4px;border:1px solid rgba(var(--center-channel-color-rgb),.24);background:var(--center-channel-bg);color:var(--center-channel-color);font:14px var(--font-family,inherit)}
.calls-input:focus{outline:none;border-color:var(--button-bg);box-shadow:inset 0 0 0 1px var(--button-bg)}
.calls-input.calls-invalid{border-color:var(--error-text,#d24b4e)}
textarea.calls-input{height:auto;min-height:96px;padding:8px 12px;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;max-width:560px}
.calls-radio{display:inline-flex;gap:20px;padding-top:6px}
.calls-radio label{display:inline-flex;align-items:center;gap:6px;cursor:pointer;font-size:14px}
.calls-admin-footer{position:sticky;bottom:0;z-index:2;display:flex;align-items:center;gap:16px;padding:14px 0;border-top:1px solid rgba(var(--center-channel-color-rgb),.12);background:var(--center-channel-bg)}
.calls-admin-footer .calls-saved{color:#3db887;font-weight:600;font-size:13px}
.calls-admin-footer .calls-error{color:var(--error-text,#d24b4e);font-weight:600;font-size:13px}

.calls-stats-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;margin-bottom:20px}
.calls-stats-card{padding:16px;border-radius:8px;border:1px solid rgba(var(--center-channel-color-rgb),.12);background:var(--center-channel-bg)}
.calls-stats-card .calls-stats-label{font-size:12px;color:rgba(var(--center-channel-color-rgb),.64)}
.calls-stats-card .calls-stats-value{margin-top:6px;font-size:26px;font-weight:600;color:var(--center-channel-color)}
.calls-stats-card.calls-live .calls-stats-value{color:#2f9e72}
.calls-stats-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:16px}
.calls-chart{padding:16px 16px 8px;border-radius:8px;border:1px solid rgba(var(--center-channel-color-rgb),.12);background:var(--center-channel-bg)}
.calls-chart h4{margin:0 0 12px;font-size:14px;font-weight:600}
.calls-chart svg{display:block;width:100%;height:auto;overflow:visible}
.calls-chart text{fill:rgba(var(--center-channel-color-rgb),.64);font-size:11px;font-family:var(--font-family,inherit)}
.calls-chart .calls-bar{fill:var(--button-bg)}
.calls-chart .calls-bar:hover{fill:color-mix(in srgb,var(--button-bg) 75%,#000)}
.calls-chart .calls-gridline{stroke:rgba(var(--center-channel-color-rgb),.08)}
.calls-chart-empty{padding:32px 0;text-align:center;color:rgba(var(--center-channel-color-rgb),.56);font-size:13px}
.calls-legend{display:flex;flex-direction:column;gap:10px;font-size:13px;white-space:nowrap}
.calls-legend span{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:8px}
.calls-donut-wrap{display:flex;align-items:center;justify-content:center;gap:32px;min-height:180px}
.calls-chart .calls-donut-wrap svg{width:160px;height:160px;flex:none}
.calls-spin{display:inline-block;width:12px;height:12px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:calls-rot .8s linear infinite}
@keyframes calls-rot{to{transform:rotate(360deg)}}
`;

let el: HTMLStyleElement | undefined;

export function injectStyles(): void {
  if (el) return;
  el = document.createElement('style');
  el.dataset.plugin = 'com.mattermost.calls';
  el.textContent = css;
  document.head.appendChild(el);
}

export function removeStyles(): void {
  el?.remove();
  el = undefined;
}
