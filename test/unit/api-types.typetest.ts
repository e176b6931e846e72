import type { Api } from '../../shared/contract/api'
declare const api: Api
void api.servers.list()
void api.app.info()
// @ts-expect-error input required
void api.servers.add()
void api.servers.connect({ id: 'x' })
const off = api.servers.onConnectionState((p) => p.state)
off()
