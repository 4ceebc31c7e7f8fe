"""The browser half of a passkey ceremony, sent with `rx.call_script` (Reflex evaluates it, which the
page CSP allows; no inline <script> is needed). The server's options JSON (webauthn's `options_to_json`)
goes in; the credential comes back as JSON with base64url fields, as `webauthn` parses it.

- Registering (signed in): the script resolves to that JSON, which the callback handler verifies.
- Signing in: the answer must reach an HTTP route (only a route sets the HttpOnly cookie), so the script
  writes it into the page's hidden form and submits it; it resolves to "" then, or to why it stopped.
"""

from __future__ import annotations

import json

_HELPERS = (
    "const b64u=(buf)=>{const b=new Uint8Array(buf);let s='';for(let i=0;i<b.length;i++)s+=String.fromCharCode(b[i]);"
    "return btoa(s).replace(/\\+/g,'-').replace(/\\//g,'_').replace(/=+$/,'');};"
    "const unb64u=(t)=>{let s=t.replace(/-/g,'+').replace(/_/g,'/');while(s.length%4)s+='=';"
    "const raw=atob(s);const out=new Uint8Array(raw.length);for(let i=0;i<raw.length;i++)out[i]=raw.charCodeAt(i);"
    "return out.buffer;};"
    "const ids=(list)=>(list||[]).map((c)=>Object.assign({},c,{id:unb64u(c.id)}));"
    "const why=(e)=>(e&&e.name==='NotAllowedError')?'cancelled':(e&&e.name==='InvalidStateError')?'exists':'failed';"
)


def create_script(options_json: str) -> str:
    """`navigator.credentials.create()`; resolves to the credential JSON, or {"error": ...} as JSON."""
    return (
        "(async()=>{" + _HELPERS + "try{"
        "if(!window.PublicKeyCredential||!navigator.credentials)return JSON.stringify({error:'unsupported'});"
        f"const o=JSON.parse({json.dumps(options_json)});"
        "o.challenge=unb64u(o.challenge);o.user.id=unb64u(o.user.id);o.excludeCredentials=ids(o.excludeCredentials);"
        "const c=await navigator.credentials.create({publicKey:o});const r=c.response;"
        "return JSON.stringify({id:c.id,rawId:b64u(c.rawId),type:c.type,"
        "response:{clientDataJSON:b64u(r.clientDataJSON),attestationObject:b64u(r.attestationObject),"
        "transports:r.getTransports?r.getTransports():[]},"
        "clientExtensionResults:c.getClientExtensionResults(),authenticatorAttachment:c.authenticatorAttachment});"
        "}catch(e){return JSON.stringify({error:why(e)});}})()"
    )


def get_and_post_script(options_json: str, form_id: str, field_id: str) -> str:
    """`navigator.credentials.get()`; the answer goes into `field_id` and `form_id` is submitted (a full
    page load through the sign-in route). Resolves to "" when posted, else cancelled/failed/unsupported."""
    return (
        "(async()=>{" + _HELPERS + "try{"
        "if(!window.PublicKeyCredential||!navigator.credentials)return 'unsupported';"
        f"const o=JSON.parse({json.dumps(options_json)});"
        "o.challenge=unb64u(o.challenge);o.allowCredentials=ids(o.allowCredentials);"
        "const c=await navigator.credentials.get({publicKey:o});const r=c.response;"
        "const answer=JSON.stringify({id:c.id,rawId:b64u(c.rawId),type:c.type,"
        "response:{clientDataJSON:b64u(r.clientDataJSON),authenticatorData:b64u(r.authenticatorData),"
        "signature:b64u(r.signature),userHandle:r.userHandle?b64u(r.userHandle):null},"
        "clientExtensionResults:c.getClientExtensionResults(),authenticatorAttachment:c.authenticatorAttachment});"
        f"document.getElementById({json.dumps(field_id)}).value=answer;"
        f"document.getElementById({json.dumps(form_id)}).submit();return '';"
        "}catch(e){return why(e);}})()"
    )


def fill_attribute_script(element_id: str, attribute: str, value: str) -> str:
    """Set one attribute of an element once it has rendered: the QR image's `src` and the app link's
    `href` while enrolling in TOTP (they carry the secret, which is never a state var)."""
    return (
        f"(function put(n){{const el=document.getElementById({json.dumps(element_id)});"
        f"if(el){{el.setAttribute({json.dumps(attribute)},{json.dumps(value)});}}"
        f"else if(n<100){{setTimeout(()=>put(n+1),20);}}}})(0)"
    )
