#!/usr/bin/env python3
# Writes Sources/sentinel/SentinelCommandTable.swift from Redis's generated command table:
#   git -C <redis repo> show 7.2.4:src/commands.def | python3 tools/sentinel-command-table.py \
#       > Sources/sentinel/SentinelCommandTable.swift
# It keeps the commands and subcommands flagged CMD_SENTINEL (what redis-sentinel has), with the
# flags, ACL categories (declared and implied, as Redis's setImplicitACLCategories derives them),
# tips, documentation fields and arguments that COMMAND INFO / DOCS report.
import re, sys, json
src = sys.stdin.read()

def split_args(s):
    out=[];cur='';i=0;depth=0;ins=False
    while i < len(s):
        ch=s[i]
        if ins:
            cur+=ch
            if ch=='\\': cur+=s[i+1]; i+=1
            elif ch=='"': ins=False
        elif ch=='"': ins=True; cur+=ch
        elif ch=='(' : depth+=1; cur+=ch
        elif ch==')' : depth-=1; cur+=ch
        elif ch==',' and depth==0: out.append(cur.strip()); cur=''
        else: cur+=ch
        i+=1
    out.append(cur.strip()); return out

def cstr(t):
    if t=='NULL': return None
    assert t.startswith('"'), t
    return bytes(t[1:-1],'utf-8').decode('unicode_escape')

tips={}
for m in re.finditer(r'const char \*(\w+_Tips)\[\] = \{(.*?)\};', src, re.S):
    tips[m.group(1)] = [cstr(x) for x in split_args(m.group(2)) if x not in ('NULL','')]
hist={}
for m in re.finditer(r'commandHistory (\w+_History)\[\] = \{(.*?)\n\};', src, re.S):
    hist[m.group(1)] = [ (cstr(a),cstr(b)) for a,b in re.findall(r'\{("(?:[^"\\]|\\.)*"),("(?:[^"\\]|\\.)*")\}', m.group(2))]

def parse_table(body):
    cmds=[]
    for m in re.finditer(r'\{MAKE_CMD\((.*?)\)(,\.args=\w+)?(,\.subcommands=(\w+))?\},?\n', body):
        a=split_args(m.group(1))
        (name,summary,complexity,since,docflags,replaced,deprecated,group,genum,history,nh,tipsn,nt,fn,arity,flags,acl)=a[:17]
        cmds.append(dict(name=cstr(name),summary=cstr(summary),complexity=cstr(complexity),since=cstr(since),
            docflags=docflags,replaced=cstr(replaced),deprecated=cstr(deprecated),group=cstr(group),
            history=(hist.get(history) if history in hist else None), tips=tips.get(tipsn,[]),
            arity=int(arity),flags=flags.split('|'),acl=acl.split('|'),sub=m.group(4),
            args=(m.group(2)[len(',.args='):] if m.group(2) else None)))
    return cmds
args={}
def parse_args_table(body):
    out=[]
    for m in re.finditer(r'\{MAKE_ARG\((.*?)\)((?:,\.\w+=(?:\w+|"(?:[^"\\]|\\.)*"))*)\},?\n', body):
        a=split_args(m.group(1))
        name,typ,ksi,token,summary,since,flags,nsub,dep=a
        extra=dict(re.findall(r',\.(\w+)=(\w+|"(?:[^"\\]|\\.)*")', m.group(2)))
        out.append(dict(name=cstr(name),type=typ.replace('ARG_TYPE_','').lower().replace('_','-'),ksi=int(ksi),token=cstr(token),
            summary=cstr(summary),since=cstr(since),flags=[f for f in ['OPTIONAL:optional','MULTIPLE:multiple','MULTIPLE_TOKEN:multiple_token'] if 'CMD_ARG_'+f.split(':')[0] in flags.split('|')],
            dep=cstr(dep),display=cstr(extra['display_text']) if 'display_text' in extra else None, sub=extra.get('subargs')))
    return out
for m in re.finditer(r'struct COMMAND_ARG (\w+)\[\] = \{\n(.*?)\n\};', src, re.S):
    args[m.group(1)]=parse_args_table(m.group(2)+'\n')
def resolve(lst):
    for a in lst:
        a['flags']=[f.split(':')[1] for f in a['flags']]
        a['subargs']=resolve(args[a['sub']]) if a['sub'] else None
        del a['sub']
    return lst
tables={}
for m in re.finditer(r'struct COMMAND_STRUCT (\w+)\[\] = \{\n(.*?)\n\{0\}\n\};', src, re.S):
    tables[m.group(1)]=parse_table(m.group(2)+'\n')

FLAGS=['WRITE:write','READONLY:readonly','DENYOOM:denyoom','MODULE:module','ADMIN:admin','PUBSUB:pubsub','NOSCRIPT:noscript','BLOCKING:blocking','LOADING:loading','STALE:stale','SKIP_MONITOR:skip_monitor','SKIP_SLOWLOG:skip_slowlog','ASKING:asking','FAST:fast','NO_AUTH:no_auth','NO_MANDATORY_KEYS:no_mandatory_keys','NO_ASYNC_LOADING:no_async_loading','NO_MULTI:no_multi','MOVABLE_KEYS:movablekeys','ALLOW_BUSY:allow_busy']
CATS=['keyspace','read','write','set','sortedset','list','hash','string','bitmap','hyperloglog','geo','stream','pubsub','admin','fast','slow','blocking','dangerous','connection','transaction','scripting']

def finish(c):
    if 'CMD_SENTINEL' not in c['flags']: return None
    fl=[n.split(':')[1] for n in FLAGS if 'CMD_'+n.split(':')[0] in c['flags']]
    cats=set(x.replace('ACL_CATEGORY_','').lower() for x in c['acl'] if x!='0')
    f=c['flags']
    if 'CMD_WRITE' in f: cats.add('write')
    if 'CMD_READONLY' in f and 'scripting' not in cats: cats.add('read')
    if 'CMD_ADMIN' in f: cats|={'admin','dangerous'}
    if 'CMD_PUBSUB' in f: cats.add('pubsub')
    if 'CMD_FAST' in f: cats.add('fast')
    if 'CMD_BLOCKING' in f: cats.add('blocking')
    if 'fast' not in cats: cats.add('slow')
    out=dict(name=c['name'],summary=c['summary'],since=c['since'],group=c['group'],complexity=c['complexity'],
             arity=c['arity'],flags=fl,categories=[x for x in CATS if x in cats],tips=c['tips'],
             docflags=['deprecated'] if 'DEPRECATED' in c['docflags'] else (['syscmd'] if 'SYSCMD' in c['docflags'] else []),
             deprecated=c['deprecated'],replaced=c['replaced'],history=c['history'],subcommands=None,
             args=resolve([dict(x) for x in args[c['args']]]) if c['args'] else None)
    if c['sub']:
        out['subcommands']=[x for x in (finish(s) for s in tables[c['sub']]) if x]
    return out
top=[x for x in (finish(c) for c in tables['redisCommandTable']) if x]

t=top
def q(s): return 'nil' if s is None else json.dumps(s, ensure_ascii=False)
def arr(xs): return '[' + ', '.join(q(x) for x in xs) + ']'
def arg(a, ind):
    p=' '*ind
    parts=[q(a['name']), '.' + {'pure-token':'pureToken','unix-time':'unixTime'}.get(a['type'],a['type'])]
    assert a['ksi']==-1
    if a['display']: parts.append('display: '+q(a['display']))
    if a['token']: parts.append('token: '+q(a['token']))
    if a['summary']: parts.append('summary: '+q(a['summary']))
    if a['since']: parts.append('since: '+q(a['since']))
    if a['dep']: parts.append('deprecatedSince: '+q(a['dep']))
    if a['flags']: parts.append('flags: '+arr(a['flags']))
    if a['subargs'] is not None: parts.append('arguments: '+argl(a['subargs'], ind+4))
    return 'CommandArg(' + ', '.join(parts) + ')'
def argl(lst, ind):
    p=' '*ind
    one=[arg(a, ind+4) for a in lst]
    if sum(len(x) for x in one) < 90 and all('\n' not in x for x in one): return '[' + ', '.join(one) + ']'
    return '[\n' + ''.join(p+'    '+x+',\n' for x in one) + p + ']'
def spec(c, ind):
    p=' '*ind
    parts=[f'{q(c["name"])}, arity: {c["arity"]}, flags: {arr(c["flags"])}, categories: {arr(c["categories"])}']
    if c['tips']: parts.append(f'tips: {arr(c["tips"])}')
    parts.append(f'summary: {q(c["summary"])}')
    parts.append(f'since: {q(c["since"])}, group: {q(c["group"])}')
    if c['complexity'] is not None: parts.append(f'complexity: {q(c["complexity"])}')
    if c['docflags']: parts.append(f'docFlags: {arr(c["docflags"])}')
    if c['deprecated']: parts.append(f'deprecatedSince: {q(c["deprecated"])}')
    if c['replaced']: parts.append(f'replacedBy: {q(c["replaced"])}')
    if c['history'] is not None: parts.append('history: [' + ', '.join(f'({q(a)}, {q(b)})' for a,b in c['history']) + ']')
    if c.get('args') is not None:
        parts.append('arguments: ' + argl(c['args'], ind+12))
    s=p+'CommandSpec(' + (',\n'+p+'            ').join(parts)
    if c['subcommands'] is not None:
        s+=',\n'+p+'            subcommands: [\n' + ',\n'.join(spec(x, ind+16) for x in c['subcommands']) + ',\n'+p+'            ]'
    return s+')'
print('''/// Redis 7.2's command table as redis-sentinel 7.2 has it: the commands and subcommands flagged
/// for sentinel mode, with their arity, flags, ACL categories (the declared ones and those Redis
/// derives from the flags), tips and documentation fields. Facts read off Redis 7.2.4's
/// src/commands.def (generated from its src/commands/*.json) by tools/sentinel-command-table.py
/// (do not edit by hand); COMMAND answers from here (COMMAND INFO, LIST, DOCS with the arguments).
///
/// Redis keeps these in a hash table, so its COMMAND, COMMAND LIST and COMMAND INFO of a
/// container list them in an order of its own; ours is the table's (alphabetical within a
/// container).
enum SentinelCommandTable {
    static let entries: [CommandSpec] = [''')
print(',\n'.join(spec(c, 8) for c in t)+',')
print('''    ]
}''')
